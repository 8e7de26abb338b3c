import { useEffect, useRef, useState } from 'react';
import { useStores } from '../app/stores-context';
import { useColorScheme } from '../app/use-color-scheme';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import { DigitThumb } from './DigitThumb';
import './personal.css';

const DIGITS = Array.from({ length: 10 }, (_, d) => d);
const EXPORT_NAME = 'tegaki-samples.json';

/**
 * The person's corrected drawings, a gallery per digit with counts: delete one, export
 * the set as the command line's strokes file, import one back.
 */
export function SamplesScreen(): React.JSX.Element {
  const t = useT();
  const { personal, notices } = useStores();
  const dark = useColorScheme() === 'dark';
  const { counts, samples, loaded, error } = useStore(personal);
  const fileInput = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const total = counts.reduce((a, b) => a + b, 0);

  useEffect(() => void personal.refresh(), [personal]);

  const exportSet = async (): Promise<void> => {
    setBusy(true);
    const result = await personal.export();
    setBusy(false);
    if (!result.ok) return notices.push('error', t('samples.error', { message: result.error.message }));
    const { path, json, count } = result.value;
    if (json !== undefined) {
      // The browser mode has no save dialog: hand the file to the browser's downloads.
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = EXPORT_NAME;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      notices.push('info', t('samples.downloaded', { count }));
    } else if (path !== null) notices.push('info', t('samples.exported', { count, path }));
  };

  const importFile = async (file: File): Promise<void> => {
    setBusy(true);
    const result = await personal.import({ fileName: file.name, text: await file.text() });
    setBusy(false);
    if (result.ok)
      notices.push('info', t('samples.imported', { added: result.value.added, skipped: result.value.skipped }));
    else notices.push('error', t('samples.importFailed', { message: result.error.message }));
  };

  return (
    <section className="samples-screen" aria-labelledby="samples-title" data-testid="samples-screen">
      <header className="samples-head">
        <div>
          <h2 id="samples-title">{t('samples.title')}</h2>
          <p className="samples-intro">{t('samples.intro')}</p>
        </div>
        <div className="samples-actions">
          <button
            type="button"
            onClick={() => void exportSet()}
            disabled={busy || total === 0}
            data-testid="samples-export"
          >
            {t('samples.export')}
          </button>
          <button type="button" onClick={() => fileInput.current?.click()} disabled={busy} data-testid="samples-import">
            {t('samples.import')}
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="samples-import-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </div>
      </header>
      <ol className="samples-counts" aria-label={t('samples.countsLabel')}>
        {DIGITS.map((digit) => (
          <li key={digit} data-testid={`samples-count-${digit}`} data-count={counts[digit]}>
            <span className="samples-count-digit">{digit}</span>
            <span className="samples-count-value">{counts[digit]}</span>
          </li>
        ))}
      </ol>
      <p className="samples-total">{t('samples.total', { count: total })}</p>
      {error && (
        <p className="error" role="alert">
          {t('samples.error', { message: error })}
        </p>
      )}
      {loaded && total === 0 && <p className="samples-empty">{t('samples.empty')}</p>}
      <div className="samples-gallery" data-testid="samples-gallery">
        {DIGITS.filter((digit) => counts[digit] > 0).map((digit) => (
          <section
            key={digit}
            className="samples-digit"
            aria-label={t('samples.digit', { digit })}
            data-testid={`samples-digit-${digit}`}
          >
            <h3>
              {digit} <span className="samples-digit-count">{t('samples.count', { count: counts[digit] })}</span>
            </h3>
            <ul>
              {samples
                .filter((s) => s.label === digit)
                .map((sample) => (
                  <li key={sample.id} className="sample" data-testid="sample" data-label={digit} data-id={sample.id}>
                    <DigitThumb input={sample.input} dark={dark} label={t('samples.thumbLabel', { digit })} />
                    <button
                      type="button"
                      className="sample-delete"
                      aria-label={t('samples.delete', { digit })}
                      title={t('samples.delete', { digit })}
                      data-testid={`delete-sample-${sample.id}`}
                      onClick={() =>
                        void personal.delete(sample.id).then((result) => {
                          if (!result.ok) notices.push('error', t('samples.error', { message: result.error.message }));
                        })
                      }
                    >
                      ×
                    </button>
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </div>
    </section>
  );
}
