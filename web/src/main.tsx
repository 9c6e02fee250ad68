// Starts the UI: restores this tab's session, then shows the sign-in page or the app at the current URL.
import { StrictMode, useEffect, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { restoreSession, sessionState, subscribeSession } from './api/session.js';
import { App } from './app.js';
import { SignInPage } from './pages/sign-in.js';
import './styles.css';

function Root() {
  const session = useSyncExternalStore(subscribeSession, sessionState);
  useEffect(() => {
    void restoreSession();
  }, []);
  if (!session.ready) return null;
  // Signing in keeps the address, so a deep link opens once the user is in.
  return session.signedIn ? <App /> : <SignInPage />;
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}
