import { render } from 'preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { onSignedOut } from '../shared/api';
import '../shared/base.css';
import './admin.css';
import { ChoosePage } from './pages/choose';
import { LoginPage } from './pages/login';
import { RegistryPage } from './pages/registry';
import { SecurityPage } from './pages/security';
import { NotFound, Redirect, TownshipHome, TownshipFrame } from './frame';
import { lazyPage } from './lazy-page';
import { CityRatingPage, CountyPage, CountyRatingPage, TOWNSHIP_PAGES } from './routes';
import { loadMe, me } from './session';
import { t } from './t';

const PlatformJobsPage = lazyPage(() => import('./pages/stars-jobs').then((m) => m.PlatformJobsPage));
const PlatformAuditPage = lazyPage(() => import('./pages/audit').then((m) => m.PlatformAuditPage));

function App() {
  if (me.value === undefined) return <p class="loading">{t('app.loading')}</p>;
  return (
    <LocationProvider>
      <Router>
        <Route path="/login" component={LoginPage} />
        <Route path="/" component={Redirect} to="" />
        <Route path="/choose" component={ChoosePage} />
        <Route path="/account" component={SecurityPage} />
        <Route path="/platform" component={RegistryPage} />
        <Route path="/platform/jobs" component={PlatformJobsPage} />
        <Route path="/platform/audit" component={PlatformAuditPage} />
        <Route path="/county/:countyId" component={CountyPage} />
        <Route path="/county/:countyId/rating" component={CountyRatingPage} />
        <Route path="/city/:cityId/rating" component={CityRatingPage} />
        <Route path="/t/:slug" component={TownshipHome} />
        {TOWNSHIP_PAGES.map((page) => (
          <Route key={page.path} path={`/t/:slug${page.path}`} component={TownshipFrame} page={page} />
        ))}
        <Route default component={NotFound} />
      </Router>
    </LocationProvider>
  );
}

// a session that timed out (idle or absolute, see docs/operations.md): back to the sign-in page, which returns here
onSignedOut(() => {
  if (me.value) me.value = null;
});
loadMe().catch(() => (me.value = null));
render(<App />, document.getElementById('app')!);
