import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { auth, call, type AnswerOf } from '../../shared/api';
import { Redirect, startPath } from '../frame';
import { loadMe, me } from '../session';
import { Bare } from '../shell';
import { t } from '../t';
import { ErrorBox, Field, Form, useSubmit } from '../ui';
import { RecoveryCodes, TotpEnrolment } from './two-factor';

/** What the login answered: signed in, or the password was right and a second step follows. */
type LoginStep = AnswerOf<typeof auth.login.$post>['step'];

/** The second step: a code from the authenticator app, or a recovery code. */
function SecondFactorForm(props: { onDone(): Promise<void>; onRestart(): void }) {
  const [code, setCode] = useState('');
  const submit = useSubmit(async () => {
    await call(auth.login['second-factor'].$post({ json: { code: code.trim() } }));
    await props.onDone();
  });
  return (
    <Form class="card" onSubmit={submit.run}>
      <h2>{t('login.code_title')}</h2>
      <Field label={t('login.code')} hint={t('login.code_hint')}>
        {(id) => (
          <input id={id} name="code" autoComplete="one-time-code" inputMode="numeric" autoFocus required maxLength={40} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        )}
      </Field>
      <ErrorBox error={submit.error} />
      <button type="submit" class="block" disabled={submit.busy}>
        {t('login.verify')}
      </button>
      <button type="button" class="secondary block" onClick={props.onRestart}>
        {t('login.back')}
      </button>
    </Form>
  );
}

/** The platform makes an admin without a second factor enrol one before anything else. */
function EnrolAtLogin(props: { onDone(): Promise<void> }) {
  const [codes, setCodes] = useState<string[]>();
  return (
    <div class="card">
      <h2>{t('login.code_title')}</h2>
      <p class="notice">{t('security.enrol_required')}</p>
      {codes ? <RecoveryCodes codes={codes} onDone={() => void props.onDone()} /> : <TotpEnrolment onEnrolled={setCodes} />}
    </div>
  );
}

/** Only paths inside this app are followed after sign-in (no open redirect). */
function safeNext(next: string | undefined): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
}

export function LoginPage() {
  const { query, route } = useLocation();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [phoneError, setPhoneError] = useState(false);
  const [step, setStep] = useState<LoginStep>('signed_in');
  const enter = async () => {
    await loadMe();
    route(safeNext(query.next) ?? startPath(), true);
  };
  const submit = useSubmit(async () => {
    const reply = await call(auth.login.$post({ json: { phone: phone.trim(), password } }));
    setPassword('');
    if (reply.step !== 'signed_in') return setStep(reply.step);
    await enter();
  });
  if (me.value && !submit.busy && step === 'signed_in') return <Redirect to={safeNext(query.next) ?? ''} />;
  const restart = () => setStep('signed_in');

  return (
    <Bare>
      <main class="login">
        <div class="login-brand">
          <span class="logo big" aria-hidden="true">★</span>
          <h1>{t('app.title')}</h1>
          <p class="muted">{t('app.subtitle')}</p>
        </div>
        {step === 'second_factor' && <SecondFactorForm onDone={enter} onRestart={restart} />}
        {step === 'enrol' && <EnrolAtLogin onDone={enter} />}
        {step === 'signed_in' && <form
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
        </form>}
      </main>
    </Bare>
  );
}
