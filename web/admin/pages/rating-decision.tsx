import { useState } from 'preact/hooks';
import { ApiProblem } from '../../shared/api';
import { t } from '../t';
import { ErrorBox } from '../ui';

export type Decision = 'confirm' | 'return';

/**
 * The county's re-check and the city's confirmation answer a proposal the same way: confirm it, or return it with
 * a reason. The last cell of their rows: the reason, the two buttons, and what the server refused.
 */
export function DecisionCell(props: { send(decision: Decision, reason: string | undefined): Promise<unknown>; onDone(): void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const answer = async (decision: Decision) => {
    setError(undefined);
    try {
      await props.send(decision, reason.trim() || undefined);
      props.onDone();
    } catch (e) {
      setError(e instanceof ApiProblem ? e : new Error(String(e)));
    }
  };
  return (
    <td>
      <label class="field">
        <span>{t('rating.return_reason')}</span>
        <input type="text" maxLength={500} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      <div class="form-actions">
        <button type="button" onClick={() => answer('confirm')}>
          {t('rating.confirm')}
        </button>
        <button type="button" class="secondary" onClick={() => answer('return')}>
          {t('rating.return')}
        </button>
      </div>
      <ErrorBox error={error} />
    </td>
  );
}
