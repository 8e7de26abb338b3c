import type { TegakiApi } from '../../../shared/ipc/api';
import type { Evaluation, ModelDetails } from '../../../shared/ipc/contract';

export type ModelReport =
  | { status: 'loading' }
  | {
      status: 'ready';
      evaluation: Evaluation;
      /** Undefined when the file could not say how it was trained: the report then shows no curves. */
      details: ModelDetails | undefined;
      /** How long evaluating took, as the person waited for it. */
      milliseconds: number;
    }
  | { status: 'failed'; message: string };

export type ReportApi = Pick<TegakiApi, 'evaluate'> & { models: Pick<TegakiApi['models'], 'details'> };

/**
 * Each model's report (its evaluation on the test set and its training history), kept
 * by model id outside React so switching tabs or pickers does not evaluate again. A
 * model file never changes under its id, so an entry stays valid until the model goes.
 */
export class ReportStore {
  private reports: ReadonlyMap<string, ModelReport> = new Map();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: ReportApi,
    /** Test on the first N test images instead of all 10,000 (undefined: all). */
    private readonly testSize?: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Evaluates `id` unless it is cached or on its way; a failed one is tried again. */
  load(id: string): void {
    const current = this.reports.get(id);
    if (current && current.status !== 'failed') return;
    this.set(id, { status: 'loading' });
    void this.fetch(id);
  }

  /** Drops the reports of models no longer listed. */
  retain(ids: readonly string[]): void {
    const keep = new Set(ids);
    if ([...this.reports.keys()].every((id) => keep.has(id))) return;
    this.reports = new Map([...this.reports].filter(([id]) => keep.has(id)));
    this.emit();
  }

  getSnapshot = (): ReadonlyMap<string, ModelReport> => this.reports;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private async fetch(id: string): Promise<void> {
    const started = this.now();
    const [evaluation, details] = await Promise.all([
      this.api.evaluate(id, this.testSize),
      this.api.models.details(id),
    ]);
    // Forgotten while evaluating (the model was deleted): keep it forgotten.
    if (!this.reports.has(id)) return;
    if (!evaluation.ok) {
      this.set(id, { status: 'failed', message: evaluation.error.message });
      return;
    }
    this.set(id, {
      status: 'ready',
      evaluation: evaluation.value,
      details: details.ok ? details.value : undefined,
      milliseconds: this.now() - started,
    });
  }

  private set(id: string, report: ModelReport): void {
    this.reports = new Map(this.reports).set(id, report);
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
