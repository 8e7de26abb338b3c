import { useRef } from 'react';

export interface TabItem<T extends string> {
  id: T;
  label: string;
}

/** WAI-ARIA tabs: Tab reaches the selected one, arrow keys, Home and End move between them. */
export function Tabs<T extends string>({ items, selected, onSelect, label }: { items: readonly TabItem<T>[]; selected: T; onSelect: (id: T) => void; label: string }): React.JSX.Element {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (event: React.KeyboardEvent): void => {
    const index = items.findIndex((item) => item.id === selected);
    const next =
      event.key === 'ArrowRight' ? (index + 1) % items.length
      : event.key === 'ArrowLeft' ? (index - 1 + items.length) % items.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? items.length - 1
      : -1;
    if (next < 0) return;
    event.preventDefault();
    onSelect(items[next].id);
    refs.current.get(items[next].id)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <button
          key={item.id}
          ref={(element) => {
            if (element) refs.current.set(item.id, element);
          }}
          type="button"
          role="tab"
          id={`tab-${item.id}`}
          aria-controls={`panel-${item.id}`}
          aria-selected={item.id === selected}
          tabIndex={item.id === selected ? 0 : -1}
          data-testid={`tab-${item.id}`}
          onClick={() => onSelect(item.id)}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
