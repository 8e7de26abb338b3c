import { useEffect, useRef, useState } from 'react';
import type { ModelSummary } from '../../../shared/ipc/contract';
import type { ModelFormat } from '../../../shared/model-metadata';
import { MODEL_FILE_EXTENSIONS } from '../../../shared/model-metadata';
import { useStores } from '../app/stores-context';
import { useStore } from '../app/use-store';
import { useLocale, useT } from '../i18n/use-t';
import { checkModelName, describeOrigin, formatAccuracy, formatCreatedAt } from './model-names';
import { DeleteTimelineButton } from './DeleteTimelineButton';
import './models.css';

/** The files the import button offers: every format Tegaki reads (".tgk,.onnx"). */
const extensions = Object.values(MODEL_FILE_EXTENSIONS);
const importAccept = extensions.join(',');

/** Every model: which one is active, and set active, rename, delete, export (Tegaki or ONNX), import, report. */
export function ModelsScreen(): React.JSX.Element {
  const t = useT();
  const { models, navigation, notices } = useStores();
  const { models: list, loaded, error } = useStore(models);
  const [renaming, setRenaming] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<ModelSummary | undefined>();
  const [importError, setImportError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const failed = (action: string, message: string): void =>
    notices.push('error', t('models.failed', { action, message }));

  const setActive = async (model: ModelSummary): Promise<void> => {
    const result = await models.setActive(model.id);
    if (!result.ok) failed(t('models.setActive'), result.error.message);
  };

  const exportModel = async (model: ModelSummary, format: ModelFormat): Promise<void> => {
    const result = await models.exportModel(model.id, format);
    if (!result.ok) failed(t(format === 'onnx' ? 'models.exportOnnx' : 'models.export'), result.error.message);
    else if (result.value.path) notices.push('info', t('models.exported', { path: result.value.path }));
  };

  const importFile = async (file: File): Promise<void> => {
    setBusy(true);
    setImportError(undefined);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const result = await models.importFile({ fileName: file.name, bytes });
      if (!result.ok) setImportError(result.error.message);
      else if (result.value.model) notices.push('info', t('models.imported.done', { name: result.value.model.name }));
    } catch (problem) {
      setImportError(problem instanceof Error ? problem.message : String(problem));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="models-screen" aria-labelledby="models-title">
      <div className="models-head">
        <h2 id="models-title">{t('models.title')}</h2>
        <div className="import-box">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => fileInput.current?.click()}
            data-testid="import-button"
          >
            {t('models.import', { extensions: extensions.join(', ') })}
          </button>
          <input
            ref={fileInput}
            type="file"
            accept={importAccept}
            className="visually-hidden"
            tabIndex={-1}
            aria-label={t('models.import', { extensions: extensions.join(', ') })}
            data-testid="import-input"
            onChange={(event) => {
              const file = event.target.files?.[0];
              // Cleared so choosing the same file again still fires a change.
              event.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </div>
      </div>
      {importError && (
        <p className="import-error" role="alert" data-testid="import-error">
          {t('models.importFailed', { message: importError })}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {t('models.error', { message: error })}
        </p>
      )}
      {!loaded ? (
        <p className="muted">{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p className="muted">{t('models.empty')}</p>
      ) : (
        <table className="models-table" data-testid="models-table">
          <caption className="visually-hidden">{t('models.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('models.name')}</th>
              <th scope="col">{t('models.date')}</th>
              <th scope="col">{t('models.architecture')}</th>
              <th scope="col" className="numeric">
                {t('models.accuracy')}
              </th>
              <th scope="col">{t('models.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((model) => (
              <ModelRow
                key={model.id}
                model={model}
                renaming={renaming === model.id}
                onStartRename={() => setRenaming(model.id)}
                onEndRename={() => setRenaming(undefined)}
                onSetActive={() => void setActive(model)}
                onDelete={() => setDeleting(model)}
                onExport={(format) => void exportModel(model, format)}
                onReport={() => navigation.openReport(model.id)}
              />
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDelete
        model={deleting}
        onCancel={() => setDeleting(undefined)}
        onConfirm={async (model) => {
          setDeleting(undefined);
          const result = await models.remove(model.id);
          if (!result.ok) failed(t('models.delete'), result.error.message);
          else notices.push('info', t('models.deleted', { name: model.name }));
        }}
      />
    </section>
  );
}

interface RowProps {
  model: ModelSummary;
  renaming: boolean;
  onStartRename: () => void;
  onEndRename: () => void;
  onSetActive: () => void;
  onDelete: () => void;
  onExport: (format: ModelFormat) => void;
  onReport: () => void;
}

function ModelRow({
  model,
  renaming,
  onStartRename,
  onEndRename,
  onSetActive,
  onDelete,
  onExport,
  onReport,
}: RowProps): React.JSX.Element {
  const t = useT();
  const locale = useLocale();
  const readOnly = model.source === 'default';
  // Five rows of identical buttons: each one names its model to a screen reader.
  const nameId = `model-name-text-${model.id}`;
  const renameButton = useRef<HTMLButtonElement>(null);
  const wasRenaming = useRef(false);

  // Back to the Rename button when the inline editor closes, so keyboard users keep their place.
  useEffect(() => {
    if (wasRenaming.current && !renaming) renameButton.current?.focus();
    wasRenaming.current = renaming;
  }, [renaming]);

  return (
    <tr
      className={model.active ? 'active-row' : undefined}
      data-testid={`model-row-${model.id}`}
      data-active={model.active}
    >
      <td className="model-name-cell">
        {renaming ? (
          <RenameForm model={model} onDone={onEndRename} />
        ) : (
          <>
            <span id={`model-name-text-${model.id}`} data-testid={`model-name-${model.id}`}>
              {model.name}
            </span>
            {model.source === 'default' && <span className="badge">{t('models.default')}</span>}
            {model.source === 'imported' && <span className="badge">{t('models.imported')}</span>}
            {model.active && (
              <span className="badge active" data-testid={`active-mark-${model.id}`}>
                {t('models.active')}
              </span>
            )}
            {model.importedFrom && (
              <span className="model-origin muted" data-testid={`model-origin-${model.id}`}>
                {describeOrigin(model.importedFrom, t)}
              </span>
            )}
          </>
        )}
      </td>
      <td>{formatCreatedAt(model.createdAt, locale)}</td>
      <td className="architecture-cell">{model.architecture}</td>
      <td className="numeric">{formatAccuracy(model.metrics?.testAccuracy)}</td>
      <td>
        <div className="row-actions">
          <button
            type="button"
            disabled={model.active}
            onClick={onSetActive}
            data-testid={`set-active-${model.id}`}
            aria-describedby={nameId}
          >
            {t('models.setActive')}
          </button>
          <button
            type="button"
            ref={renameButton}
            disabled={readOnly || renaming}
            title={readOnly ? t('models.readOnly') : undefined}
            onClick={onStartRename}
            data-testid={`rename-${model.id}`}
            aria-describedby={nameId}
          >
            {t('models.rename')}
          </button>
          <button
            type="button"
            className="danger"
            disabled={readOnly}
            title={readOnly ? t('models.readOnly') : undefined}
            onClick={onDelete}
            data-testid={`delete-${model.id}`}
            aria-describedby={nameId}
          >
            {t('models.delete')}
          </button>
          <button
            type="button"
            onClick={() => onExport('tegaki')}
            data-testid={`export-${model.id}`}
            aria-describedby={nameId}
          >
            {t('models.export')}
          </button>
          <button
            type="button"
            onClick={() => onExport('onnx')}
            data-testid={`export-onnx-${model.id}`}
            aria-describedby={nameId}
          >
            {t('models.exportOnnx')}
          </button>
          <button type="button" onClick={onReport} data-testid={`report-${model.id}`} aria-describedby={nameId}>
            {t('models.report')}
          </button>
          <DeleteTimelineButton model={model} describedBy={nameId} />
        </div>
      </td>
    </tr>
  );
}

/** The name cell as a small form: Enter saves, Escape cancels; checked as main will check it. */
function RenameForm({ model, onDone }: { model: ModelSummary; onDone: () => void }): React.JSX.Element {
  const t = useT();
  const { models } = useStores();
  const [value, setValue] = useState(model.name);
  const [problem, setProblem] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const errorId = `rename-error-${model.id}`;

  const describe = (input: string): string | undefined => {
    const check = checkModelName(input);
    if (check.ok) return undefined;
    return check.problem === 'tooLong' ? t('models.nameTooLong', { max: check.max }) : t('models.nameRequired');
  };

  const save = async (): Promise<void> => {
    const check = checkModelName(value);
    if (!check.ok) {
      setProblem(describe(value));
      return;
    }
    if (check.name === model.name) return onDone();
    setSaving(true);
    const result = await models.rename(model.id, check.name);
    setSaving(false);
    if (result.ok) onDone();
    else setProblem(result.error.message);
  };

  return (
    <form
      className="rename-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onDone();
        }
      }}
    >
      <input
        autoFocus
        value={value}
        onChange={(event) => {
          setValue(event.target.value);
          setProblem(problem ? describe(event.target.value) : undefined);
        }}
        aria-label={t('models.renameLabel', { name: model.name })}
        aria-invalid={problem !== undefined}
        aria-describedby={problem ? errorId : undefined}
        data-testid={`rename-input-${model.id}`}
      />
      <button type="submit" disabled={saving} data-testid={`rename-save-${model.id}`}>
        {t('common.save')}
      </button>
      <button type="button" onClick={onDone} aria-label={t('models.cancelRename')}>
        {t('common.cancel')}
      </button>
      {problem && (
        <span className="field-error" id={errorId} role="alert" data-testid={`rename-error-${model.id}`}>
          {problem}
        </span>
      )}
    </form>
  );
}

/** A modal confirmation before a model and its file go for good. */
function ConfirmDelete({
  model,
  onCancel,
  onConfirm,
}: {
  model: ModelSummary | undefined;
  onCancel: () => void;
  onConfirm: (model: ModelSummary) => void;
}): React.JSX.Element {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (model && !element.open) element.showModal();
    if (!model && element.open) element.close();
  }, [model]);

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      data-testid="confirm-delete"
      onClose={onCancel}
      aria-labelledby="confirm-delete-text"
    >
      {model && (
        <>
          <p id="confirm-delete-text">{t('models.confirmDelete', { name: model.name })}</p>
          <div className="dialog-actions">
            <button type="button" onClick={onCancel} autoFocus data-testid="confirm-delete-cancel">
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => onConfirm(model)}
              data-testid="confirm-delete-button"
            >
              {t('models.delete')}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
