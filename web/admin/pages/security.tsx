import { useEffect, useState } from 'preact/hooks';
import { auth, call } from '../../shared/api';
import { RequireLogin } from '../frame';
import { me, township } from '../session';
import { Shell } from '../shell';
import { t } from '../t';
import { ErrorBox, Field, Form, useLoad, useSubmit } from '../ui';
import { RecoveryCodes, TotpEnrolment } from './two-factor';

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const submit = useSubmit(async () => {
    setDone(false);
    if (next !== repeat) throw new Error(t('security.password_mismatch'));
    await call(auth.password.$post({ json: { currentPassword: current, newPassword: next } }));
    for (const set of [setCurrent, setNext, setRepeat]) set('');
    setDone(true);
  });
  const labels = { currentPassword: t('security.current_password'), newPassword: t('security.new_password') };
  return (
    <Form class="card" onSubmit={submit.run}>
      <h2>{t('security.password')}</h2>
      <Field label={t('security.current_password')}>
        {(id) => <input id={id} type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />}
      </Field>
      <Field label={t('security.new_password')} hint={t('security.password_rules')}>
        {(id) => <input id={id} type="password" autoComplete="new-password" required minLength={10} value={next} onInput={(e) => setNext(e.currentTarget.value)} />}
      </Field>
      <Field label={t('security.repeat_password')}>
        {(id) => <input id={id} type="password" autoComplete="new-password" required value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />}
      </Field>
      <ErrorBox error={submit.error} labels={labels} />
      {done && <p role="status">{t('security.password_changed')}</p>}
      <button type="submit" disabled={submit.busy}>
        {submit.busy ? t('common.saving') : t('security.change')}
      </button>
    </Form>
  );
}

/** An action that needs the password typed again (turning 2FA off, new recovery codes). */
function WithPassword(props: { label: string; danger?: boolean; action(password: string): Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const submit = useSubmit(async () => {
    await props.action(password);
    setPassword('');
    setOpen(false);
  });
  if (!open)
    return (
      <button type="button" class={props.danger ? 'secondary danger' : 'secondary'} onClick={() => setOpen(true)}>
        {props.label}
      </button>
    );
  return (
    <Form class="inline-form" onSubmit={submit.run}>
      <Field label={t('security.password_to_confirm')}>
        {(id) => <input id={id} type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
      </Field>
      <button type="submit" class={props.danger ? 'danger' : undefined} disabled={submit.busy}>
        {props.label}
      </button>
      <button type="button" class="secondary" onClick={() => setOpen(false)}>
        {t('common.cancel')}
      </button>
      <ErrorBox error={submit.error} />
    </Form>
  );
}

function TwoFactorCard() {
  const state = useLoad(() => call(auth['two-factor'].$get()), []);
  const [codes, setCodes] = useState<string[]>();
  const s = state.data;
  return (
    <section class="card">
      <h2>{t('security.totp')}</h2>
      <p class="muted">{t('security.totp_intro')}</p>
      <ErrorBox error={state.error} />
      {codes ? (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(undefined);
            state.reload();
          }}
        />
      ) : !s ? (
        <p class="loading">{t('app.loading')}</p>
      ) : s.enabled ? (
        <>
          <p role="status">{t('security.totp_on', { n: s.recoveryCodesLeft })}</p>
          {s.required && <p class="muted">{t('security.totp_required')}</p>}
          <div class="form-actions">
            <WithPassword
              label={t('security.new_codes')}
              action={async (password) => setCodes((await call(auth['two-factor']['recovery-codes'].$post({ json: { password } }))).recoveryCodes)}
            />
            {!s.required && (
              <WithPassword
                label={t('security.disable')}
                danger
                action={async (password) => {
                  await call(auth['two-factor'].disable.$post({ json: { password } }));
                  state.reload();
                }}
              />
            )}
          </div>
        </>
      ) : (
        <>
          <p role="status">{t('security.totp_off')}</p>
          {s.required && <p class="notice">{t('security.totp_required')}</p>}
          <TotpEnrolment askPassword onEnrolled={setCodes} />
        </>
      )}
    </section>
  );
}

/** The signed-in account's own security: its password and its second factor. Reached from the top bar: /account. */
export function SecurityPage() {
  useEffect(() => void (township.value = undefined), []);
  if (!me.value) return <RequireLogin>{null}</RequireLogin>;
  return (
    <Shell>
      <div class="page-head">
        <h1>{t('security.title')}</h1>
      </div>
      <PasswordForm />
      <TwoFactorCard />
    </Shell>
  );
}
