// Messages the platform writes when it finishes tasks itself: upstream failed, no backend, lead done.

export const PLATFORM_MESSAGES = {
  UPSTREAM_FAILED: 'Upstream task failed.',
  BACKEND_NOT_FOUND: 'Backend not found.',
  LEAD_FINISHED: 'Lead task finished',
} as const;
