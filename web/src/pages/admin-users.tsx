// Admin: users (find by id prefix or role, create with roles and a password), and one user's roles.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiJson } from '../api/client.js';
import type { RoleAssignment, RoleDocument, UserEntry, UserPage } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatTime } from '../format.js';
import { ADMIN_ROLE } from '../me.js';
import { Link, navigate, useLocation, withParams } from '../router.js';

const PAGE_SIZE = 50;
const BUILT_IN_ROLES = [ADMIN_ROLE, 'osmo-user'];

const errorOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Role names to offer: the built-in ones and the stored ones (pool roles are typed by hand). */
function useRoleNames(): string[] {
  const stored = useApi<RoleDocument[]>('/api/configs/role');
  return [...new Set([...BUILT_IN_ROLES, ...(stored.data ?? []).map((r) => r.name)])].sort();
}

export function AdminUsersPage() {
  const location = useLocation();
  const prefix = location.params.get('prefix') ?? '';
  const role = location.params.get('role') ?? '';
  const start = Math.max(1, Number(location.params.get('start') ?? 1) || 1);
  const [text, setText] = useState(prefix);
  const page = useApi<UserPage>('/api/auth/user', {
    query: {
      start_index: start,
      count: PAGE_SIZE,
      ...(prefix === '' ? {} : { id_prefix: prefix }),
      ...(role === '' ? {} : { roles: [role] }),
    },
  });
  const roles = useRoleNames();
  const users = page.data?.users ?? [];
  const total = page.data?.total_results ?? 0;
  return (
    <section className="page">
      <h1>Users</h1>
      <div className="toolbar">
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            navigate(withParams(location, { prefix: text.trim() === '' ? null : text.trim(), start: null }));
          }}
        >
          <input
            type="search"
            aria-label="User id starts with"
            placeholder="id starts with…"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit">Find</button>
        </form>
        <label>
          Role{' '}
          <select
            aria-label="With role"
            value={role}
            onChange={(e) =>
              navigate(
                withParams(location, { role: e.target.value === '' ? null : e.target.value, start: null }),
              )
            }
          >
            <option value="">(any)</option>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{page.data ? `${total} users` : ''}</span>
      </div>
      {page.error !== null ? <p className="error">{page.error}</p> : null}
      <table className="table" aria-label="Users">
        <thead>
          <tr>
            <th>User</th>
            <th>Created</th>
            <th>Created by</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-user={u.id}>
              <td>
                <Link to={`/admin/users/${encodeURIComponent(u.id)}`}>{u.id}</Link>
              </td>
              <td>{formatTime(u.created_at)}</td>
              <td>{u.created_by ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="toolbar" aria-label="Pages">
        {start > 1 ? (
          <Link to={withParams(location, { start: String(Math.max(1, start - PAGE_SIZE)) })}>‹ Previous</Link>
        ) : null}
        {start + PAGE_SIZE <= total ? (
          <Link to={withParams(location, { start: String(start + PAGE_SIZE) })}>Next ›</Link>
        ) : null}
      </nav>
      <NewUser roles={roles} onCreated={page.reload} />
    </section>
  );
}

function NewUser({ roles, onCreated }: { roles: readonly string[]; onCreated: () => void }) {
  const [id, setId] = useState('');
  const [picked, setPicked] = useState<string[]>(['osmo-user']);
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    try {
      const user = await apiJson<UserEntry>('/api/auth/user', {
        method: 'POST',
        body: { id: id.trim(), roles: picked, ...(password === '' ? {} : { password }) },
      });
      setMessage(`Created ${user.id}.`);
      setId('');
      setPassword('');
      onCreated();
    } catch (err) {
      setMessage(errorOf(err));
    }
  };
  return (
    <form className="stacked-form" aria-label="New user" onSubmit={(e) => void create(e)}>
      <h2>New user</h2>
      <label>
        User id
        <input aria-label="User id" value={id} required onChange={(e) => setId(e.target.value)} />
      </label>
      <fieldset>
        <legend>Roles</legend>
        {roles.map((r) => (
          <label key={r}>
            <input
              type="checkbox"
              checked={picked.includes(r)}
              onChange={(e) => setPicked(e.target.checked ? [...picked, r] : picked.filter((p) => p !== r))}
            />{' '}
            {r}
          </label>
        ))}
      </fieldset>
      <label>
        Password (optional: for password and device-code sign-in)
        <input
          aria-label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" className="primary">
        Create user
      </button>
      {message !== null ? (
        <p className="notice" role="status">
          {message}
        </p>
      ) : null}
    </form>
  );
}

export function AdminUserPage({ id }: { id: string }) {
  const path = `/api/auth/user/${encodeURIComponent(id)}`;
  const user = useApi<UserEntry & { roles: RoleAssignment[] }>(path);
  const roles = useRoleNames();
  const [role, setRole] = useState('');
  const [error, setError] = useState<string | null>(null);
  const act = async (what: () => Promise<unknown>): Promise<void> => {
    try {
      await what();
      setError(null);
      user.reload();
    } catch (err) {
      setError(errorOf(err));
    }
  };
  const remove = async (): Promise<void> => {
    if (!window.confirm(`Delete the user ${id} with its roles, tokens and credentials?`)) return;
    try {
      await apiJson(path, { method: 'DELETE' });
      navigate('/admin/users');
    } catch (err) {
      setError(errorOf(err));
    }
  };
  return (
    <section className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/admin/users">Users</Link> › <span>{id}</span>
      </nav>
      <h1>{id}</h1>
      {user.error !== null ? <p className="error">{user.error}</p> : null}
      {error !== null ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {user.data ? (
        <>
          <dl className="details">
            <dt>Created</dt>
            <dd>{formatTime(user.data.created_at)}</dd>
            <dt>Created by</dt>
            <dd>{user.data.created_by ?? '—'}</dd>
          </dl>
          <h2>Roles</h2>
          <table className="table" aria-label="Roles">
            <thead>
              <tr>
                <th>Role</th>
                <th>Assigned by</th>
                <th>Assigned</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {user.data.roles.map((r) => (
                <tr key={r.role_name} data-role={r.role_name}>
                  <td>{r.role_name}</td>
                  <td>{r.assigned_by}</td>
                  <td>{formatTime(r.assigned_at)}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove role ${r.role_name}`}
                      onClick={() =>
                        void act(() =>
                          apiJson(`${path}/roles/${encodeURIComponent(r.role_name)}`, { method: 'DELETE' }),
                        )
                      }
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void act(() => apiJson(`${path}/roles`, { method: 'POST', body: { role_name: role.trim() } }));
              setRole('');
            }}
          >
            <input
              aria-label="Role to add"
              list="known-roles"
              placeholder="role name"
              value={role}
              required
              onChange={(e) => setRole(e.target.value)}
            />
            <datalist id="known-roles">
              {roles.map((r) => (
                <option key={r} value={r} />
              ))}
            </datalist>
            <button type="submit">Add role</button>
          </form>
          <h2>Danger zone</h2>
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete user
          </button>
        </>
      ) : null}
    </section>
  );
}
