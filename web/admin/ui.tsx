import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiProblem } from '../shared/api';
import { t } from './t';

/** Loads data for a page and reloads it on demand or when deps change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const latest = useRef(0);
  // a reload called from an older render (say after an await) still loads what the page shows now
  const current = useRef(load);
  current.current = load;
  const reload = useCallback(() => {
    const run = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    current.current().then(
      (data) => run === latest.current && setState({ data, loading: false }),
      (error) => run === latest.current && setState({ error, loading: false }),
    );
  }, []);
  useEffect(reload, deps);
  return { ...state, reload };
}

/** A value that follows its input after the user stops typing. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** An API failure in the user's language, with per-field or per-row details when the API gave them. */
export function ErrorBox({ error, labels = {} }: { error: unknown; labels?: Record<string, string> }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : undefined;
  return (
    <div class="error" role="alert">
      {problem?.message ?? String((error as Error)?.message ?? error)}
      {problem?.details?.length ? (
        <ul>
          {problem.details.slice(0, 10).map((d, i) => (
            <li key={i}>
              {d.row ? `${t('import.row')} ${d.row}: ` : d.path ? `${labels[d.path] ?? d.path}: ` : ''}
              {d.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A labelled form control; the child receives the id that links it to its label. */
export function Field(props: { label: string; hint?: string; children: (id: string) => ComponentChildren }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && <div class="hint muted">{props.hint}</div>}
    </div>
  );
}

export function Check(props: { label: string; checked: boolean; onChange(checked: boolean): void; disabled?: boolean }) {
  return (
    <label class="check">
      <input type="checkbox" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.checked)} />
      <span>{props.label}</span>
    </label>
  );
}

/** A form over the page: full screen on a phone, a centred panel on a desktop. Escape closes it. */
export function Sheet(props: { title: string; onClose(): void; children: ComponentChildren }) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    panel.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="sheet-backdrop">
      <div class="sheet" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={panel}>
        <div class="sheet-head">
          <h2 id={titleId}>{props.title}</h2>
          <button type="button" class="secondary" onClick={props.onClose} aria-label={t('common.close')}>
            ✕
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}

export function Pager(props: { offset: number; limit: number; total: number; onChange(offset: number): void }) {
  const pages = Math.max(1, Math.ceil(props.total / props.limit));
  const page = Math.floor(props.offset / props.limit) + 1;
  return (
    <nav class="pager" aria-label={t('common.page', { page, pages, total: props.total })}>
      <button type="button" class="secondary" disabled={page <= 1} onClick={() => props.onChange(props.offset - props.limit)}>
        {t('common.prev')}
      </button>
      <span>{t('common.page', { page, pages, total: props.total })}</span>
      <button type="button" class="secondary" disabled={page >= pages} onClick={() => props.onChange(props.offset + props.limit)}>
        {t('common.next')}
      </button>
    </nav>
  );
}

/** Runs a submit handler with a busy flag and the API's error. */
export function useSubmit<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      await action(...args);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

/** An integer from a text field: '' → null. */
export function intOrNull(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : Number(trimmed);
}

/** What a form needs of `useSubmit`: its busy flag, its error and the action. */
export interface Submitter {
  busy: boolean;
  error?: unknown;
  run(): unknown;
}

/** A form that runs `onSubmit` instead of reloading the page (the browser's own checks still run first). */
export function Form(props: { class?: string; onSubmit(): void; children: ComponentChildren }) {
  return (
    <form
      class={props.class}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
    </form>
  );
}

/**
 * The buttons under a form: submit (disabled while busy or not `ready`; its label turns to "saving"),
 * cancel when `onCancel` is given, then any further buttons or notes.
 */
export function FormActions(props: {
  busy: boolean;
  ready?: boolean;
  label?: string;
  busyLabel?: string;
  danger?: boolean;
  onCancel?(): void;
  class?: string;
  children?: ComponentChildren;
}) {
  return (
    <div class={props.class ? `form-actions ${props.class}` : 'form-actions'}>
      <button type="submit" class={props.danger ? 'danger' : undefined} disabled={props.busy || props.ready === false}>
        {props.busy ? (props.busyLabel ?? t('common.saving')) : (props.label ?? t('common.save'))}
      </button>
      {props.onCancel && (
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      )}
      {props.children}
    </div>
  );
}

/**
 * A form in a Sheet: the fields, the API's error, then save and cancel (and `actions`, e.g. delete).
 * It submits only when `ready` (default true); `intro` stands above the form.
 */
export function SheetForm(props: {
  title: string;
  onClose(): void;
  submit: Submitter;
  ready?: boolean;
  error?: unknown;
  errorLabels?: Record<string, string>;
  label?: string;
  busyLabel?: string;
  danger?: boolean;
  intro?: ComponentChildren;
  actions?: ComponentChildren;
  /** added to the footer's "form-actions" (e.g. "sticky" under a long form) */
  actionsClass?: string;
  children: ComponentChildren;
}) {
  const { submit } = props;
  return (
    <Sheet title={props.title} onClose={props.onClose}>
      {props.intro}
      <Form onSubmit={() => props.ready !== false && submit.run()}>
        {props.children}
        <ErrorBox error={props.error ?? submit.error} labels={props.errorLabels} />
        <FormActions
          class={props.actionsClass}
          busy={submit.busy}
          ready={props.ready}
          label={props.label}
          busyLabel={props.busyLabel}
          danger={props.danger}
          onCancel={props.onClose}
        >
          {props.actions}
        </FormActions>
      </Form>
    </Sheet>
  );
}

/** One option of a SelectField. */
export interface Choice<V extends string = string> {
  value: V;
  label: string;
}

/** Rows with an id and a name (villages, members, counties) as choices. */
export const nameChoices = (rows: readonly { id: string; name: string }[]): Choice[] => rows.map((r) => ({ value: r.id, label: r.name }));

/**
 * A labelled select. `blank` puts first an option with value '' that may be chosen ("all villages", "—");
 * `placeholder` one that only prompts and cannot be chosen back.
 */
export function SelectField<V extends string>(props: {
  label: string;
  value: V;
  options: readonly Choice<V>[];
  onChange(value: NoInfer<V>): void;
  blank?: string;
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
  name?: string;
  hint?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      {(id) => (
        <select id={id} name={props.name} required={props.required} disabled={props.disabled} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as V)}>
          {props.blank !== undefined && <option value="">{props.blank}</option>}
          {props.placeholder !== undefined && (
            <option value="" disabled>
              {props.placeholder}
            </option>
          )}
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A list's place on a page: "loading" until the first answer (given `load`), then the `none` line when it is empty, else the list. */
export function ListBody(props: { load?: { loading: boolean; data?: unknown }; count: number; none?: string; children: ComponentChildren }) {
  if (props.load?.loading && !props.load.data) return <p class="loading">{t('app.loading')}</p>;
  if (props.count === 0) return <p class="muted">{props.none ?? t('common.none')}</p>;
  return <>{props.children}</>;
}

/**
 * A box whose content may scroll sideways (a wide table on a phone): while it overflows it is a tab stop, so
 * the keyboard can scroll it too (axe's scrollable-region-focusable); while it fits it is none.
 */
export function ScrollBox(props: { class: string; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = box.current!;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    check();
    // the box resizes with the window, its content as rows arrive
    const observer = new ResizeObserver(check);
    observer.observe(el);
    for (const child of el.children) observer.observe(child);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} class={props.class} tabIndex={scrolls ? 0 : undefined}>
      {props.children}
    </div>
  );
}

/** A list table that scrolls sideways on a phone: `head` is its header row, the children its rows; `class` adds to "list". */
export function Table(props: { class?: string; head: ComponentChildren; children: ComponentChildren }) {
  return (
    <ScrollBox class="table-wrap">
      <table class={props.class ? `list ${props.class}` : 'list'}>
        <thead>{props.head}</thead>
        <tbody>{props.children}</tbody>
      </table>
    </ScrollBox>
  );
}

/** A ListBody whose list is a Table. */
export function ListTable(props: {
  load: { loading: boolean; data?: unknown };
  count: number;
  none?: string;
  class?: string;
  head: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <ListBody load={props.load} count={props.count} none={props.none}>
      <Table class={props.class} head={props.head}>
        {props.children}
      </Table>
    </ListBody>
  );
}
