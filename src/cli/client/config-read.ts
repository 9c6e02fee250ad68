// What `GET /api/configs/<type>` answers, by config type: the types this service keeps have their
// schemas; any other type (a service that keeps more) is read as the JSON it is.
import type { WireRef } from './wire-check.js';
import { WIRE } from './wire-schemas.generated.js';

const BY_TYPE: Readonly<Record<string, WireRef<unknown>>> = {
  POOL: WIRE.PoolConfigs,
  BACKEND: WIRE.BackendList,
  ROLE: WIRE.RoleConfigs,
  WORKFLOW: WIRE.WorkflowConfig,
  RESOURCE_VALIDATION: WIRE.ResourceValidationConfig,
  SERVICE: WIRE.ServiceConfig,
};

export const configReadRef = (type: string): WireRef<unknown> => BY_TYPE[type.toUpperCase()] ?? WIRE.AnyJson;
