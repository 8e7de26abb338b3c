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

export type ReportApi = Pick<TegakiApi, 'evaluate' | 'cancelEvaluation'> & {
  models: Pick<TegakiApi['models'], 'details'>;
};

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
    const loading: ModelReport = { status: 'loading' };
    this.set(id, loading);
    void this.fetch(id, loading);
  }

  /**
   * The models on screen: each is loaded; an evaluation still on its way for a model no
   * longer shown is cancelled and forgotten, so the engine is free for the one the person
   * looks at now and showing it again evaluates afresh.
   */
  show(ids: readonly string[]): void {
    const shown = new Set(ids);
    const leaving = [...this.reports]
      .filter(([id, report]) => report.status === 'loading' && !shown.has(id))
      .map(([id]) => id);
    if (leaving.length > 0) {
      this.reports = new Map([...this.reports].filter(([id]) => !leaving.includes(id)));
      for (const id of leaving) void this.api.cancelEvaluation(id);
      this.emit();
    }
    for (const id of ids) this.load(id);
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

  private async fetch(id: string, loading: ModelReport): Promise<void> {
    const started = this.now();
    const [evaluation, details] = await Promise.all([
      this.api.evaluate(id, this.testSize),
      this.api.models.details(id),
    ]);
    // Forgotten while evaluating (the model was deleted, or left and its evaluation
    // cancelled), perhaps asked for again since: this answer is no longer wanted.
    if (this.reports.get(id) !== loading) return;
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
