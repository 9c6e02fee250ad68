// What the HTTP layer needs from the rest of the service, passed in by the composition root.
import type { ServiceConfig } from '../config/service-config.js';
import type { EngineContext } from '../controller/context.js';
import type { EngineControl } from '../controller/engine.js';
import type { TransferTally } from '../storage/index.js';
import type { Store } from '../store/index.js';
import type { IdentityServices } from './auth/identity-services.js';
import type { SigningKey } from './auth/jwt.js';

export interface ApiDeps {
  readonly config: ServiceConfig;
  readonly key: SigningKey;
  readonly store: Store;
  readonly engine: EngineControl;
  /** With several replicas on one database: whether this one leads the engine. */
  readonly replica?: () => { readonly leader: boolean; readonly term: number | null };
  readonly ctx: EngineContext;
  /** The externally visible base URL used in links, without a trailing slash. */
  readonly baseUrl: string;
  /** Login throttle, pending device logins and the credential vault. */
  readonly identity: IdentityServices;
  /** The built web UI served at `/` (default: web/dist of this checkout). */
  readonly webRoot?: string;
  /** Bytes the service moved to and from object storage, for `/metrics`. */
  readonly storageTransfers?: TransferTally;
}
