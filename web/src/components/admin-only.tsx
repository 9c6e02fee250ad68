// Admin pages render only for admins; the service refuses their API calls to anyone else anyway.
import type { ReactNode } from 'react';
import { useMe } from '../me.js';

export function AdminOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.isAdmin) return <>{children}</>;
  return (
    <section className="page">
      <h1>Administrators only</h1>
      <p className="muted">
        This page is for administrators. Ask one for the osmo-admin role if you need it.
      </p>
    </section>
  );
}
