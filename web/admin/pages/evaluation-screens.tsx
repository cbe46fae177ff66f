/** 大屏链接: each screen's unattended display link (opened on the centre's TV without an account), copied or rotated by the township admin. */
import { useRef, useState } from 'preact/hooks';
import { call, type AnswerOf } from '../../shared/api';
import { t } from '../t';
import { ErrorBox, Sheet, useLoad, useSubmit } from '../ui';
import { evaluationClient, type Screen } from './evaluation-common';

const displayLink = (slug: string) => evaluationClient(slug).screens[':id']['display-link'];
type DisplayLink = AnswerOf<ReturnType<typeof displayLink>['$get']>;

/** Copies text; on plain http (no Clipboard API) it selects the field and uses the older copy command. */
async function copy(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.select();
    return document.execCommand?.('copy') ?? false;
  }
}

/** One screen's link: shown in a read-only field, copyable, and replaced (the old one revoked) after a confirmation. */
function ScreenLink(props: { slug: string; screen: Screen }) {
  const { slug, screen } = props;
  const link = useLoad(() => call(displayLink(slug).$get({ param: { id: encodeURIComponent(screen.id) } })), [slug, screen.id]);
  const [shown, setShown] = useState<DisplayLink | undefined>();
  const [note, setNote] = useState<'copied' | 'copy_failed' | 'rotated' | undefined>();
  const field = useRef<HTMLInputElement>(null);
  const current = shown ?? link.data;
  const rotate = useSubmit(async () => {
    if (!confirm(t('eval.b.confirm_rotate', { screen: screen.name }))) return;
    setShown(await call(displayLink(slug).rotate.$post({ param: { id: encodeURIComponent(screen.id) } })));
    setNote('rotated');
  });
  const fieldId = `display-link-${screen.id}`;
  return (
    <li class="ev-display-link" data-screen={screen.name}>
      <label for={fieldId}>{t('eval.b.display_url', { screen: screen.name })}</label>
      {current ? (
        <>
          <input id={fieldId} ref={field} readOnly value={current.url} onFocus={(e) => e.currentTarget.select()} />
          <div class="form-actions">
            <button type="button" class="small" onClick={async () => setNote((await copy(current.url, field.current)) ? 'copied' : 'copy_failed')}>
              {t('eval.b.copy')}
            </button>
            <a class="button-link" href={current.url} target="_blank" rel="noopener">
              {t('eval.b.open_display')} ↗
            </a>
            <button type="button" class="secondary small danger" disabled={rotate.busy} onClick={() => rotate.run()}>
              {t('eval.b.rotate')}
            </button>
          </div>
          {note && (
            <p class={note === 'copy_failed' ? 'muted' : 'ok'} role="status">
              {t(`eval.b.${note}`)}
            </p>
          )}
        </>
      ) : (
        <ErrorBox error={link.error} />
      )}
      {!current && !link.error && <p class="loading">{t('app.loading')}</p>}
      <ErrorBox error={rotate.error} />
    </li>
  );
}

/** The sheet of every screen's display link. */
export function ScreenLinks(props: { slug: string; screens: Screen[]; onClose(): void }) {
  return (
    <Sheet title={t('eval.b.display_links')} onClose={props.onClose}>
      <p class="hint muted">{t('eval.b.display_hint')}</p>
      {props.screens.length === 0 ? (
        <p class="notice">{t('eval.b.no_screens')}</p>
      ) : (
        <ul class="ev-display-links">
          {props.screens.map((s) => (
            <ScreenLink key={s.id} slug={props.slug} screen={s} />
          ))}
        </ul>
      )}
    </Sheet>
  );
}
