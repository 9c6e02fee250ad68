// Sign-in with the CLI's identities: dev-mode username, password, or a device code approved on the service's page.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { signInDev, signInPassword, startDeviceLogin } from '../api/session.js';
import type { DeviceLogin } from '../api/session.js';

type Method = 'dev' | 'password' | 'code';
const METHODS: readonly [Method, string][] = [
  ['password', 'Password'],
  ['code', 'Device code'],
  ['dev', 'Dev mode'],
];

export function SignInPage() {
  const [method, setMethod] = useState<Method>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [device, setDevice] = useState<DeviceLogin | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (method === 'dev') await signInDev(username.trim());
      else if (method === 'password') await signInPassword(username.trim(), password);
      else {
        abort.current?.abort();
        abort.current = new AbortController();
        const started = await startDeviceLogin(abort.current.signal);
        setDevice(started);
        await started.approved;
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setDevice(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <h1>Sign in to OSMO</h1>
        <div className="tabs" role="tablist">
          {METHODS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={method === id}
              className={method === id ? 'active' : ''}
              onClick={() => {
                setMethod(id);
                setError(null);
              }}
            >
              {label}
            </button>
          ))}
        </div>
        {method !== 'code' ? (
          <label>
            Username
            <input
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
        ) : null}
        {method === 'password' ? (
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
        ) : null}
        {method === 'dev' ? (
          <p className="muted">Only a service started with --dev accepts a username alone.</p>
        ) : null}
        {method === 'code' && device !== null ? (
          <div className="notice" role="status">
            <p>
              Approve code <strong data-testid="user-code">{device.userCode}</strong> on the{' '}
              <a href={device.approvalUrl} target="_blank" rel="noopener">
                approval page
              </a>
              , then come back here.
            </p>
          </div>
        ) : null}
        {method === 'code' && device === null ? (
          <p className="muted">
            The service shows a code to approve on its login page, as `osmo login --method code` does.
          </p>
        ) : null}
        {error !== null ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {method === 'code' ? (busy ? 'Waiting for approval…' : 'Get a code') : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
