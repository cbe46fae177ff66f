import { useState } from 'preact/hooks';
import { auth, call, type AnswerOf } from '../../shared/api';
import { t } from '../t';
import { ErrorBox, Field, Form, SheetForm, useSubmit } from '../ui';

type Setup = AnswerOf<(typeof auth)['two-factor']['setup']['$post']>;

/** The recovery codes, shown once: the user keeps them before going on. */
export function RecoveryCodes(props: { codes: string[]; onDone(): void }) {
  return (
    <section class="card" aria-labelledby="recovery-title">
      <h3 id="recovery-title">{t('security.recovery_title')}</h3>
      <p>{t('security.recovery_intro')}</p>
      <ol class="recovery-codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <button type="button" onClick={props.onDone}>
        {t('security.recovery_done')}
      </button>
    </section>
  );
}

/**
 * Enrolling an authenticator app: a new key (QR code and text), confirmed with a first code; answers the
 * recovery codes. Used on the security page and at login when the platform makes an admin enrol first.
 */
export function TotpEnrolment(props: { onEnrolled(codes: string[]): void; /** signed in: the password is typed again (at login it just was) */ askPassword?: boolean }) {
  const [setup, setSetup] = useState<Setup>();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const start = useSubmit(async () => setSetup(await call(auth['two-factor'].setup.$post({ json: props.askPassword ? { password } : {} }))));
  const confirm = useSubmit(async () => {
    const reply = await call(auth['two-factor'].confirm.$post({ json: { code: code.trim() } }));
    props.onEnrolled(reply.recoveryCodes);
  });
  if (!setup)
    return (
      <Form class="inline-form" onSubmit={start.run}>
        {props.askPassword && (
          <Field label={t('security.password_to_confirm')}>
            {(id) => <input id={id} type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
          </Field>
        )}
        <button type="submit" disabled={start.busy}>
          {t('security.enable')}
        </button>
        <ErrorBox error={start.error} />
      </Form>
    );
  return (
    <Form class="enrol" onSubmit={confirm.run}>
      <p>{t('security.scan')}</p>
      <div class="totp-qr" role="img" aria-label={setup.uri} dangerouslySetInnerHTML={{ __html: setup.svg }} />
      <p>
        {t('security.secret')}: <code class="totp-secret" data-secret={setup.secret}>{setup.secret.match(/.{1,4}/g)!.join(' ')}</code>
      </p>
      <Field label={t('security.first_code')}>
        {(id) => (
          <input id={id} inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        )}
      </Field>
      <ErrorBox error={confirm.error} />
      <button type="submit" disabled={confirm.busy}>
        {t('security.confirm')}
      </button>
    </Form>
  );
}

/** An admin sets someone's forgotten password (the policy applies; the account's sessions end). */
export function ResetPasswordSheet(props: { name: string; reset(password: string): Promise<unknown>; onClose(): void }) {
  const [password, setPassword] = useState('');
  const submit = useSubmit(async () => {
    await props.reset(password);
    props.onClose();
  });
  return (
    <SheetForm title={t('accounts.reset_password_of', { name: props.name })} onClose={props.onClose} submit={submit} errorLabels={{ password: t('security.new_password') }}>
      <Field label={t('security.new_password')} hint={t('security.password_rules')}>
        {(id) => <input id={id} type="password" autoComplete="new-password" required minLength={10} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
      </Field>
      <p class="muted">{t('accounts.reset_password_note')}</p>
    </SheetForm>
  );
}
