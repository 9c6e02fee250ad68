// The UI's route map: a path picks a page; IDs in paths are URL-decoded here, once.
import { AdminOnly } from './components/admin-only.js';
import { AdminRolesPage } from './pages/admin-roles.js';
import { AdminUserPage, AdminUsersPage } from './pages/admin-users.js';
import { AppDetailPage } from './pages/app-detail.js';
import { AppsPage } from './pages/apps.js';
import { DashboardPage } from './pages/dashboard.js';
import { DatasetDetailPage } from './pages/dataset-detail.js';
import { DatasetsPage } from './pages/datasets.js';
import { LogViewerPage } from './pages/log-viewer.js';
import { OccupancyPage } from './pages/occupancy.js';
import { PoolsPage } from './pages/pools.js';
import { ProfilePage } from './pages/profile.js';
import { ResourcesPage } from './pages/resources.js';
import { WorkflowDetailPage } from './pages/workflow-detail.js';
import { WorkflowListPage } from './pages/workflow-list.js';
import { Link } from './router.js';

export const NAV: readonly [string, string][] = [
  ['/', 'Dashboard'],
  ['/workflows', 'Workflows'],
  ['/pools', 'Pools'],
  ['/resources', 'Resources'],
  ['/occupancy', 'Occupancy'],
  ['/apps', 'Apps'],
  ['/datasets', 'Datasets'],
];

/** Shown to admins only; the log viewer itself is open to everyone, as upstream's is. */
export const ADMIN_NAV: readonly [string, string][] = [
  ['/admin/users', 'Users'],
  ['/admin/roles', 'Roles'],
  ['/log-viewer', 'Log viewer'],
];

const segment = (text: string | undefined): string => decodeURIComponent(text ?? '');

export function Page({ path }: { path: string }) {
  const clean = path.replace(/\/$/, '') || '/';
  let m: RegExpExecArray | null;
  if ((m = /^\/workflows\/([^/]+)$/.exec(clean))) {
    const id = segment(m[1]);
    return <WorkflowDetailPage key={id} id={id} />;
  }
  if ((m = /^\/apps\/([^/]+)$/.exec(clean))) {
    const name = segment(m[1]);
    return <AppDetailPage key={name} name={name} />;
  }
  if ((m = /^\/datasets\/([^/]+)\/([^/]+)$/.exec(clean))) {
    const [bucket, name] = [segment(m[1]), segment(m[2])];
    return <DatasetDetailPage key={`${bucket}/${name}`} bucket={bucket} name={name} />;
  }
  if ((m = /^\/admin\/users\/([^/]+)$/.exec(clean))) {
    const id = segment(m[1]);
    return (
      <AdminOnly>
        <AdminUserPage key={id} id={id} />
      </AdminOnly>
    );
  }
  switch (clean) {
    case '/':
      return <DashboardPage />;
    case '/workflows':
      return <WorkflowListPage />;
    case '/pools':
      return <PoolsPage />;
    case '/resources':
      return <ResourcesPage />;
    case '/occupancy':
      return <OccupancyPage />;
    case '/apps':
      return <AppsPage />;
    case '/datasets':
      return <DatasetsPage />;
    case '/log-viewer':
      return <LogViewerPage />;
    case '/profile':
      return <ProfilePage />;
    case '/admin/users':
      return (
        <AdminOnly>
          <AdminUsersPage />
        </AdminOnly>
      );
    case '/admin/roles':
      return (
        <AdminOnly>
          <AdminRolesPage />
        </AdminOnly>
      );
    default:
      return (
        <section className="page">
          <h1>Page not found</h1>
          <p>
            Nothing lives at <code>{path}</code>. <Link to="/">Back to the dashboard</Link>
          </p>
        </section>
      );
  }
}
