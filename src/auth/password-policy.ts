import { DEFAULT_LOCALE, translate, type Locale, type MessageKey } from '../platform/i18n';
import { badRequest } from '../platform/errors';

/**
 * The password policy (等保 2.0 "口令复杂度"), applied wherever a password is set: changing one's own, an
 * admin creating an account, `npm run create-admin`. Only the demo seed writes its known demo password.
 */
export const PASSWORD_POLICY = {
  minLength: 10,
  maxLength: 200,
  /** of the four classes: lowercase, uppercase, digits, other characters (punctuation, spaces, 汉字…) */
  minClasses: 3,
} as const;

/** Words no password may contain (case-insensitive): the product's name, in which the demo password is written. */
const DEMO_WORDS = ['xingping'];
/** Passwords that pass the classes rule yet top every leaked list, refused whatever their case. */
const COMMON_PASSWORDS = ['p@ssw0rd', 'p@ssw0rd1', 'p@ssword1', 'passw0rd!', 'admin@123', 'admin@1234', 'admin@12345', 'abc@123456', 'qwer@1234', 'qwe123!@#', '1qaz@wsx3edc', '1qaz2wsx#edc', 'aa123456!'];

export interface PasswordProblem {
  code: MessageKey;
  params?: Record<string, number>;
}

/** The number of character classes a password uses. */
function characterClasses(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
}

/** Every rule of the policy the password breaks (empty: acceptable). `phone` is the account's login. */
export function passwordProblems(password: string, phone: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const lower = password.toLowerCase();
  if ([...password].length < PASSWORD_POLICY.minLength) problems.push({ code: 'auth.password_too_short', params: { min: PASSWORD_POLICY.minLength } });
  if (password.length > PASSWORD_POLICY.maxLength) problems.push({ code: 'auth.password_too_long', params: { max: PASSWORD_POLICY.maxLength } });
  if (characterClasses(password) < PASSWORD_POLICY.minClasses) problems.push({ code: 'auth.password_too_simple', params: { classes: PASSWORD_POLICY.minClasses } });
  const digits = password.replace(/\D/g, '');
  if (phone && (digits.includes(phone) || password.includes(phone.slice(-8)))) problems.push({ code: 'auth.password_has_phone' });
  if (DEMO_WORDS.some((word) => lower.includes(word)) || COMMON_PASSWORDS.includes(lower)) problems.push({ code: 'auth.password_common' });
  return problems;
}

/**
 * Refuses a password the policy does not allow: 400 under the first broken rule's code, with every broken
 * rule in `details` (at `path`, the field the form shows it under), worded in the caller's language.
 */
export function assertPasswordPolicy(password: string, phone: string, options: { locale?: Locale; path?: string } = {}): void {
  const problems = passwordProblems(password, phone);
  if (!problems.length) return;
  const { locale = DEFAULT_LOCALE, path = 'password' } = options;
  throw badRequest(
    problems[0].code,
    problems[0].params,
    problems.map((p) => ({ path, code: p.code, message: translate(locale, p.code, p.params) })),
  );
}
