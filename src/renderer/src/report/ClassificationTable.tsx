import type { Evaluation } from '../../../shared/ipc/contract';
import { useT } from '../i18n/use-t';
import { formatMetric } from './report-math';

/** scikit-learn's classification_report as a table: per class, then accuracy and the two averages. */
export function ClassificationTable({ report }: { report: Evaluation['report'] }): React.JSX.Element {
  const t = useT();
  const averages = [
    { key: 'macro', label: t('report.macroAvg'), metrics: report.macroAvg },
    { key: 'weighted', label: t('report.weightedAvg'), metrics: report.weightedAvg },
  ];
  return (
    <table className="report-table" data-testid="report-table">
      <caption className="visually-hidden">{t('report.classification')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('report.class')}</th>
          <th scope="col">{t('report.precision')}</th>
          <th scope="col">{t('report.recall')}</th>
          <th scope="col">{t('report.f1')}</th>
          <th scope="col">{t('report.support')}</th>
        </tr>
      </thead>
      <tbody>
        {report.classes.map((c) => (
          <tr key={c.label} data-testid={`report-row-${c.label}`}>
            <th scope="row">{c.label}</th>
            <td>{formatMetric(c.precision)}</td>
            <td>{formatMetric(c.recall)}</td>
            <td>{formatMetric(c.f1)}</td>
            <td>{c.support}</td>
          </tr>
        ))}
        <tr className="separator summary-row" data-testid="report-row-accuracy">
          <th scope="row">{t('report.accuracy')}</th>
          <td />
          <td />
          <td>{formatMetric(report.accuracy)}</td>
          <td>{report.macroAvg.support}</td>
        </tr>
        {averages.map(({ key, label, metrics }) => (
          <tr key={key} className="summary-row" data-testid={`report-row-${key}`}>
            <th scope="row">{label}</th>
            <td>{formatMetric(metrics.precision)}</td>
            <td>{formatMetric(metrics.recall)}</td>
            <td>{formatMetric(metrics.f1)}</td>
            <td>{metrics.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
