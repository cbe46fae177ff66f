import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../../shared/api';
import { Redirect, startPath } from '../frame';
import { loadMe, me } from '../session';
import { Bare } from '../shell';
import { t } from '../t';
import { ErrorBox, Field, useSubmit } from '../ui';

/** Only paths inside this app are followed after sign-in (no open redirect). */
function safeNext(next: string | undefined): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
}

export function LoginPage() {
  const { query, route } = useLocation();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [phoneError, setPhoneError] = useState(false);
  const submit = useSubmit(async () => {
    await api.post('/api/auth/login', { phone: phone.trim(), password });
    await loadMe();
    route(safeNext(query.next) ?? startPath(), true);
  });
  if (me.value && !submit.busy) return <Redirect to={safeNext(query.next) ?? ''} />;

  return (
    <Bare>
      <main class="login">
        <div class="login-brand">
          <span class="logo big" aria-hidden="true">★</span>
          <h1>{t('app.title')}</h1>
          <p class="muted">{t('app.subtitle')}</p>
        </div>
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            const bad = !/^1\d{10}$/.test(phone.trim());
            setPhoneError(bad);
            if (!bad) submit.run();
          }}
        >
          <h2>{t('login.title')}</h2>
          <Field label={t('login.phone')}>
            {(id) => (
              <input
                id={id}
                name="phone"
                type="tel"
                inputMode="numeric"
                autoComplete="username"
                maxLength={11}
                required
                value={phone}
                aria-invalid={phoneError}
                onInput={(e) => setPhone(e.currentTarget.value)}
              />
            )}
          </Field>
          {phoneError && <div class="field-error">{t('login.phone_invalid')}</div>}
          <Field label={t('login.password')}>
            {(id) => (
              <input id={id} name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            )}
          </Field>
          <ErrorBox error={submit.error} />
          <button type="submit" class="block" disabled={submit.busy}>
            {submit.busy ? t('login.busy') : t('login.submit')}
          </button>
        </form>
      </main>
    </Bare>
  );
}
