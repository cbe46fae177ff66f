import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { auth, call } from './api';

/** The words of the sign-in form, from the catalogue of the page that shows it. */
export type LoginWords = (key: 'loginPhone' | 'loginPassword' | 'loginCode' | 'loginGo' | 'loginEnrolFirst') => string;

/**
 * The phone pages' sign-in (the big screen's operator, the ballot's leader): phone and password, then the second
 * factor's code in the same form when the account has one. An admin who must enrol a second factor first is sent
 * to the admin app. `children` heads the form.
 */
export function LoginForm(props: { class: string; t: LoginWords; onDone(): void; children: ComponentChildren }) {
  const { t } = props;
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState<string>();
  const [problem, setProblem] = useState('');
  return (
    <form
      class={props.class}
      onSubmit={async (e) => {
        e.preventDefault();
        setProblem('');
        try {
          if (code !== undefined) await call(auth.login['second-factor'].$post({ json: { code: code.trim() } }));
          else {
            const reply = await call(auth.login.$post({ json: { phone: phone.trim(), password } }));
            if (reply.step === 'second_factor') return setCode('');
            if (reply.step === 'enrol') return setProblem(t('loginEnrolFirst'));
          }
          props.onDone();
        } catch (err) {
          // the half-done login expired: start again from the password
          if ((err as { code?: string }).code === 'auth.login_step_missing') setCode(undefined);
          setProblem(err instanceof Error ? err.message : String(err));
        }
      }}
    >
      {props.children}
      <label for="phone">{t('loginPhone')}</label>
      <input id="phone" type="tel" inputMode="numeric" maxLength={11} autoComplete="username" required value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      <label for="password">{t('loginPassword')}</label>
      <input id="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      {code !== undefined && (
        <>
          <label for="code">{t('loginCode')}</label>
          <input id="code" inputMode="numeric" autoComplete="one-time-code" required maxLength={40} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        </>
      )}
      {problem && <p class="error">{problem}</p>}
      <button type="submit" class="block">
        {t('loginGo')}
      </button>
    </form>
  );
}
