import { useEffect, useRef } from 'react';
import { DIGIT_SIDE, paintDigit } from '../app/paint-digit';
import { useColorScheme } from '../app/use-color-scheme';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';
import type { GalleryImage, GalleryStore } from './gallery-store';

/** The test images behind a confusion-matrix cell, in a modal dialog (Escape closes it). */
export function GalleryDialog({ store }: { store: GalleryStore }): React.JSX.Element {
  const t = useT();
  const { cell, total, images, loading, error } = useStore(store);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (cell && !element.open) element.showModal();
    if (!cell && element.open) element.close();
  }, [cell]);

  useEffect(() => () => store.close(), [store]);

  const mistakes = cell !== undefined && cell.actual !== cell.predicted;
  return (
    <dialog
      ref={dialog}
      className="gallery-dialog"
      data-testid="gallery"
      aria-labelledby="gallery-title"
      onClose={() => store.close()}
    >
      {cell && (
        <>
          <div className="gallery-head">
            <div>
              <h3 id="gallery-title">
                {t('report.gallery', { actual: cell.actual, predicted: cell.predicted, count: total })}
              </h3>
              <p className="muted gallery-note">
                {total === 0
                  ? t('report.galleryEmpty')
                  : `${t(mistakes ? 'report.galleryMistakes' : 'report.galleryCorrect')} ${
                      images.length < total ? t('report.galleryShowing', { shown: images.length, count: total }) : ''
                    }`}
              </p>
            </div>
            <button type="button" onClick={() => store.close()} data-testid="gallery-close" autoFocus>
              {t('common.close')}
            </button>
          </div>
          {loading && (
            <p role="status" className="muted">
              {t('common.loading')}
            </p>
          )}
          {error && (
            <p role="alert" className="error">
              {t('report.galleryFailed', { message: error })}
            </p>
          )}
          <ul className="gallery">
            {images.map((image) => (
              <GalleryItem key={image.index} image={image} predicted={cell.predicted} />
            ))}
          </ul>
        </>
      )}
    </dialog>
  );
}

function GalleryItem({ image, predicted }: { image: GalleryImage; predicted: number }): React.JSX.Element {
  const t = useT();
  const dark = useColorScheme() === 'dark';
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => paintDigit(canvas.current, image.pixels, 255, dark), [image, dark]);

  const wrong = image.label !== predicted;
  return (
    <li
      data-testid="gallery-item"
      data-index={image.index}
      data-label={image.label}
      data-prediction={predicted}
      data-probability={image.predictedProbability.toFixed(6)}
    >
      <figure>
        <canvas
          ref={canvas}
          width={DIGIT_SIDE}
          height={DIGIT_SIDE}
          role="img"
          aria-label={t('report.galleryItem', {
            index: image.index,
            probability: formatPercent(image.predictedProbability),
            predicted,
            trueProbability: formatPercent(image.trueProbability),
            actual: image.label,
          })}
        />
        <figcaption>
          <span className={wrong ? 'wrong' : undefined}>
            {predicted}: {formatPercent(image.predictedProbability)}
          </span>
          {wrong && (
            <span className="muted">
              {image.label}: {formatPercent(image.trueProbability)}
            </span>
          )}
          <span className="muted gallery-index">#{image.index}</span>
        </figcaption>
      </figure>
    </li>
  );
}
