// Profile: who you are, default pool and notifications, personal access tokens, and credentials (values write-only).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiJson } from '../api/client.js';
import type { CredentialSummary, Profile } from '../api/types.js';
import { useApi } from '../api/use-api.js';

type CredentialType = 'REGISTRY' | 'DATA' | 'GENERIC';
const FIELDS: Readonly<Record<Exclude<CredentialType, 'GENERIC'>, readonly [string, string, boolean][]>> = {
  REGISTRY: [
    ['registry', 'Registry host', false],
    ['username', 'Username', false],
    ['auth', 'Password or token', true],
  ],
  DATA: [
    ['endpoint', 'Storage endpoint (s3://bucket)', false],
    ['access_key_id', 'Access key id', false],
    ['access_key', 'Secret key', true],
  ],
};

function errorOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function ProfilePage() {
  const profile = useApi<Profile>('/api/profile/settings');
  return (
    <section className="page profile">
      <h1>Profile</h1>
      {profile.error !== null ? <p className="error">{profile.error}</p> : null}
      {profile.data ? <Settings profile={profile.data} onSaved={profile.reload} /> : null}
      <Tokens />
      <Credentials />
    </section>
  );
}

function Settings({ profile, onSaved }: { profile: Profile; onSaved: () => void }) {
  const [pool, setPool] = useState(profile.profile.pool ?? '');
  const [email, setEmail] = useState(profile.profile.email_notification ?? false);
  const [slack, setSlack] = useState(profile.profile.slack_notification ?? false);
  const [message, setMessage] = useState<string | null>(null);
  const dirty =
    pool !== (profile.profile.pool ?? '') ||
    email !== (profile.profile.email_notification ?? false) ||
    slack !== (profile.profile.slack_notification ?? false);
  const save = async (): Promise<void> => {
    try {
      await apiJson('/api/profile/settings', {
        method: 'POST',
        body: { email_notification: email, slack_notification: slack, ...(pool === '' ? {} : { pool }) },
      });
      setMessage('Saved.');
      onSaved();
    } catch (err) {
      setMessage(errorOf(err));
    }
  };
  return (
    <>
      <h2>User information</h2>
      <dl className="details">
        <dt>Username</dt>
        <dd data-testid="profile-user">{profile.profile.username}</dd>
        <dt>Roles</dt>
        <dd>{profile.roles.join(', ')}</dd>
      </dl>
      <h2>Settings</h2>
      <label>
        Default pool{' '}
        <select value={pool} onChange={(e) => setPool(e.target.value)} aria-label="Default pool">
          <option value="">(service default)</option>
          {profile.pools.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} /> Email me when a
        workflow ends
      </label>
      <label>
        <input type="checkbox" checked={slack} onChange={(e) => setSlack(e.target.checked)} /> Slack me when a
        workflow ends
      </label>
      {dirty ? (
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => void save()}>
            Save
          </button>
          <button
            type="button"
            onClick={() => {
              setPool(profile.profile.pool ?? '');
              setEmail(profile.profile.email_notification ?? false);
              setSlack(profile.profile.slack_notification ?? false);
            }}
          >
            Reset
          </button>
        </div>
      ) : null}
      {message !== null ? <p className="notice">{message}</p> : null}
    </>
  );
}

interface TokenRow {
  token_name: string;
  expires_at: string | null;
  description: string;
}

function Tokens() {
  const list = useApi<TokenRow[]>('/api/auth/access_token');
  const [name, setName] = useState('');
  const [expires, setExpires] = useState(() =>
    new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
  );
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    try {
      setCreated(
        await apiJson<string>(`/api/auth/access_token/${encodeURIComponent(name.trim())}`, {
          method: 'POST',
          query: { expires_at: expires },
        }),
      );
      setName('');
      setError(null);
      list.reload();
    } catch (err) {
      setError(errorOf(err));
    }
  };
  const remove = async (token: string): Promise<void> => {
    if (!window.confirm(`Delete the access token ${token}?`)) return;
    await apiJson(`/api/auth/access_token/${encodeURIComponent(token)}`, { method: 'DELETE' }).catch(
      (err: unknown) => setError(errorOf(err)),
    );
    list.reload();
  };
  const rows = Array.isArray(list.data) ? list.data : [];
  return (
    <>
      <h2>Personal access tokens</h2>
      <ul className="plain">
        {rows.map((t) => {
          const tokenName = t.token_name;
          return (
            <li key={tokenName}>
              {tokenName} <span className="muted">expires {t.expires_at ?? 'never'}</span>{' '}
              <button type="button" onClick={() => void remove(tokenName)}>
                Delete
              </button>
            </li>
          );
        })}
      </ul>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <input
          aria-label="New token name"
          placeholder="token name"
          value={name}
          required
          onChange={(e) => setName(e.target.value)}
        />
        <input
          aria-label="Expires on"
          type="date"
          value={expires}
          required
          onChange={(e) => setExpires(e.target.value)}
        />
        <button type="submit">Create token</button>
      </form>
      {created !== null ? (
        <p className="notice">
          Copy this token now, it is shown only once: <code data-testid="new-token">{created}</code>
        </p>
      ) : null}
      {error !== null ? <p className="error">{error}</p> : null}
    </>
  );
}

function Credentials() {
  const list = useApi<{ credentials: CredentialSummary[] }>('/api/credentials');
  const [type, setType] = useState<CredentialType>('GENERIC');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [pairs, setPairs] = useState('');
  const [error, setError] = useState<string | null>(null);
  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    let body: Record<string, unknown>;
    if (type === 'GENERIC') {
      const credential: Record<string, string> = {};
      for (const line of pairs.split('\n')) {
        const at = line.indexOf('=');
        if (at > 0) credential[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      body = { generic_credential: { credential } };
    } else {
      const fields = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      body = type === 'REGISTRY' ? { registry_credential: fields } : { data_credential: fields };
    }
    try {
      await apiJson(`/api/credentials/${encodeURIComponent(name.trim())}`, { method: 'POST', body });
      setName('');
      setValues({});
      setPairs('');
      setError(null);
      list.reload();
    } catch (err) {
      setError(errorOf(err));
    }
  };
  const remove = async (cred: string): Promise<void> => {
    if (!window.confirm(`Delete the credential ${cred}?`)) return;
    await apiJson(`/api/credentials/${encodeURIComponent(cred)}`, { method: 'DELETE' }).catch(
      (err: unknown) => setError(errorOf(err)),
    );
    list.reload();
  };
  return (
    <>
      <h2>Credentials</h2>
      <table className="table" aria-label="Credentials">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Profile</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.credentials ?? []).map((c) => (
            <tr key={c.cred_name} data-credential={c.cred_name}>
              <td>{c.cred_name}</td>
              <td>{c.cred_type}</td>
              <td>{c.profile ?? '—'}</td>
              <td>
                <button type="button" onClick={() => void remove(c.cred_name)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="stacked-form" onSubmit={(e) => void create(e)} aria-label="New credential">
        <h3>New credential</h3>
        <label>
          Type{' '}
          <select
            value={type}
            onChange={(e) => setType(e.target.value as CredentialType)}
            aria-label="Credential type"
          >
            <option value="GENERIC">Generic</option>
            <option value="REGISTRY">Registry</option>
            <option value="DATA">Data</option>
          </select>
        </label>
        <label>
          Name
          <input
            aria-label="Credential name"
            value={name}
            required
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        {type === 'GENERIC' ? (
          <label>
            Values, one key=value a line (never shown back)
            <textarea
              aria-label="Credential values"
              value={pairs}
              rows={3}
              onChange={(e) => setPairs(e.target.value)}
            />
          </label>
        ) : (
          FIELDS[type].map(([key, label, secret]) => (
            <label key={key}>
              {label}
              <input
                aria-label={label}
                type={secret ? 'password' : 'text'}
                autoComplete="off"
                value={values[key] ?? ''}
                onChange={(e) => setValues({ ...values, [key]: e.target.value })}
              />
            </label>
          ))
        )}
        <button type="submit" className="primary">
          Save credential
        </button>
        {error !== null ? <p className="error">{error}</p> : null}
      </form>
    </>
  );
}
