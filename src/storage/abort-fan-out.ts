// Many concurrent requests under one command's abort signal, with one listener on that signal.
// Each SDK request listens on the signal it is given; eight transfers in flight under one shared
// signal would put dozens of listeners on it (and Node warns of a leak past ten), though each is
// removed when its request ends. Each request gets its own child signal instead.

export interface ChildSignal {
  readonly signal: AbortSignal;
  /** The request is over: the child no longer needs to hear of the parent's abort. */
  release(): void;
}

export class AbortFanOut {
  private readonly children = new WeakMap<AbortSignal, Set<AbortController>>();

  /** A signal that aborts when `parent` does, for one request. */
  child(parent: AbortSignal): ChildSignal {
    const controller = new AbortController();
    if (parent.aborted) {
      controller.abort(parent.reason);
      return { signal: controller.signal, release: () => {} };
    }
    let group = this.children.get(parent);
    if (group === undefined) {
      const members = new Set<AbortController>();
      parent.addEventListener(
        'abort',
        () => {
          for (const member of members) member.abort(parent.reason);
          members.clear();
        },
        { once: true },
      );
      this.children.set(parent, members);
      group = members;
    }
    const members = group;
    members.add(controller);
    return { signal: controller.signal, release: () => void members.delete(controller) };
  }
}
