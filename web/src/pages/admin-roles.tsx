// Admin: the stored roles and their policies (edited with `osmo config`, which keeps their history).
import type { RoleDocument } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Link } from '../router.js';

export function AdminRolesPage() {
  const roles = useApi<RoleDocument[]>('/api/configs/role');
  const rows = [...(roles.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section className="page">
      <h1>Roles</h1>
      <p className="muted">
        Besides these stored roles, every deployment has osmo-admin, osmo-user and one role per pool. Change
        roles with <code>osmo config update ROLE</code>, which keeps a history; assign them on the{' '}
        <Link to="/admin/users">Users</Link> page.
      </p>
      {roles.error !== null ? <p className="error">{roles.error}</p> : null}
      {roles.data && rows.length === 0 ? <p className="muted">No stored roles.</p> : null}
      {rows.map((r) => (
        <details key={r.name} className="card role" data-role={r.name}>
          <summary>
            <strong>{r.name}</strong> <span className="muted">{r.description}</span>{' '}
            <span className="chip">{r.policies.length} policies</span>
            {r.immutable ? <span className="chip">immutable</span> : null}
          </summary>
          <Link to={`/admin/users?role=${encodeURIComponent(r.name)}`}>Users with this role</Link>
          <pre aria-label={`Policies of ${r.name}`}>{JSON.stringify(r.policies, null, 2)}</pre>
        </details>
      ))}
    </section>
  );
}
