import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { atLeast, SessionProvider, useSession, useUser, type Role } from './auth/session';
import { Empty, ErrorState, Loading } from './components/states';
import { AuditPage } from './pages/audit/AuditPage';
import { SetupPage } from './pages/auth/SetupPage';
import { SignInPage } from './pages/auth/SignInPage';
import { KeysPage } from './pages/keys/KeysPage';
import { ModelsPage } from './pages/models/ModelsPage';
import { OAuthClientsPage } from './pages/oauth/OAuthClientsPage';
import { PipelinesPage } from './pages/pipelines/PipelinesPage';
import { PlaygroundPage } from './pages/playground/PlaygroundPage';
import { PluginsPage } from './pages/PluginsPage';
import { ProvidersPage } from './pages/ProvidersPage';
import { UsersPage } from './pages/users/UsersPage';
import { Link, matchPath, RouterProvider, useRouter } from './router';
import { Layout } from './shell/Layout';

// The heavy screens (charts, the graph editor) load when first opened.
const DashboardPage = lazy(() => import('./pages/dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const AnalyticsPage = lazy(() => import('./pages/analytics/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })));
const PipelineEditorPage = lazy(() => import('./pages/pipelines/PipelineEditorPage').then((m) => ({ default: m.PipelineEditorPage })));

interface Route {
  path: string;
  title: string;
  minRole: Role;
  component: ComponentType<{ params: Record<string, string> }>;
}

const ROUTES: Route[] = [
  { path: '/', title: 'Dashboard', minRole: 'viewer', component: DashboardPage },
  { path: '/analytics', title: 'Analytics', minRole: 'viewer', component: AnalyticsPage },
  { path: '/playground', title: 'Playground', minRole: 'member', component: PlaygroundPage },
  { path: '/pipelines', title: 'Pipelines', minRole: 'viewer', component: PipelinesPage },
  { path: '/pipelines/:id', title: 'Pipeline editor', minRole: 'viewer', component: PipelineEditorPage },
  { path: '/providers', title: 'Providers', minRole: 'viewer', component: ProvidersPage },
  { path: '/models', title: 'Models & prices', minRole: 'viewer', component: ModelsPage },
  { path: '/plugins', title: 'Plugins', minRole: 'viewer', component: PluginsPage },
  { path: '/keys', title: 'API keys', minRole: 'viewer', component: KeysPage },
  { path: '/users', title: 'Users & credits', minRole: 'admin', component: UsersPage },
  { path: '/oauth-clients', title: 'OAuth clients', minRole: 'admin', component: OAuthClientsPage },
  { path: '/audit', title: 'Audit log', minRole: 'admin', component: AuditPage },
];

function Screens() {
  const { path } = useRouter();
  const user = useUser();
  let found: { route: Route; params: Record<string, string> } | undefined;
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params) {
      found = { route, params };
      break;
    }
  }
  useEffect(() => {
    document.title = found ? `${found.route.title} · Switchyard` : 'Not found · Switchyard';
  }, [found?.route.title]);
  if (!found) {
    return (
      <div className="page">
        <Empty title="There is no page here.">
          <Link to="/">Go to the dashboard</Link>.
        </Empty>
      </div>
    );
  }
  if (!atLeast(user.role, found.route.minRole)) {
    return (
      <div className="page">
        <Empty title={`${found.route.title} needs the ${found.route.minRole} role or higher.`}>Your role is {user.role}. Ask an administrator if you need more access.</Empty>
      </div>
    );
  }
  const Page = found.route.component;
  return (
    <Suspense fallback={<Loading what="Loading" />}>
      <Page key={path} params={found.params} />
    </Suspense>
  );
}

function Gate() {
  const { state, refresh } = useSession();
  switch (state.status) {
    case 'loading':
      return (
        <main className="auth-screen">
          <Loading what="Connecting" />
        </main>
      );
    case 'unavailable':
      return (
        <main className="auth-screen">
          <div className="auth-card">
            <ErrorState error={state.error} retry={refresh} />
          </div>
        </main>
      );
    case 'setup':
      return <SetupPage />;
    case 'signed-out':
      return <SignInPage reason={state.reason} />;
    case 'signed-in':
      return (
        <Layout>
          <Screens />
        </Layout>
      );
  }
}

export function App() {
  return (
    <RouterProvider>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </RouterProvider>
  );
}
