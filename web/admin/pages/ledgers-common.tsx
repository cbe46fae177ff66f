/** Small pieces shared by the governance-ledger pages (初心三人行, 四议三审两公开, disputes, weak villages). */
import type { ComponentChildren } from 'preact';
import { ownVillageId } from '../session';
import { t } from '../t';
import { nameChoices, SelectField } from '../ui';
import type { Village } from './villages';

export { shanghaiDate, shanghaiMonth, shanghaiYear } from '../../../src/domain/calendar';
export { parseYuan } from '../../../src/domain/money';

/** The village filter of a ledger page: a secretary's own village only, others choose (optionally "all"). */
export function VillageSelect(props: { villages: Village[]; value: string; onChange(id: string): void; allowAll?: boolean; label?: string }) {
  const own = ownVillageId.value;
  return (
    <SelectField
      label={props.label ?? t('common.village')}
      required={!props.allowAll}
      value={own ?? props.value}
      disabled={!!own}
      onChange={props.onChange}
      blank={!own && props.allowAll ? t('common.all_villages') : undefined}
      placeholder={!own && !props.allowAll ? t('ledgers.choose_village') : undefined}
      options={nameChoices(props.villages)}
    />
  );
}

/** The village filter of a list: all villages or one; none for a secretary, whose lists the API narrows to their own. */
export function VillageFilter(props: { villages: Village[]; value: string; onChange(id: string): void }) {
  if (ownVillageId.value) return null;
  return <SelectField label={t('common.village')} value={props.value} onChange={props.onChange} blank={t('common.all_villages')} options={nameChoices(props.villages)} />;
}

/** Buttons switching between the parts of a page; the current one is pressed. */
export function Tabs<K extends string>(props: { value: K; options: readonly { key: NoInfer<K>; label: string }[]; onChange(key: NoInfer<K>): void; label?: string }) {
  return (
    <div class="tabs" role="tablist" aria-label={props.label}>
      {props.options.map((o) => (
        <button
          key={o.key}
          type="button"
          role="tab"
          aria-selected={o.key === props.value}
          class={o.key === props.value ? '' : 'secondary'}
          onClick={() => props.onChange(o.key)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** A figure with its caption, for the counts at the top of a ledger. */
export function Stat(props: { label: string; value: ComponentChildren; warn?: boolean }) {
  return (
    <div class={`stat${props.warn ? ' warn' : ''}`}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}
