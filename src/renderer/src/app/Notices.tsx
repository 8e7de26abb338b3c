import { useT } from '../i18n/use-t';
import { useStores } from './stores-context';
import { useStore } from './use-store';

export function Notices(): React.JSX.Element | null {
  const t = useT();
  const { notices } = useStores();
  const list = useStore(notices);
  if (list.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {list.map((notice) => (
        <div key={notice.id} className={`notice ${notice.level}`} data-testid="notice">
          <span>{notice.message}</span>
          <button type="button" onClick={() => notices.dismiss(notice.id)} aria-label={t('common.dismiss')}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
