export function ModelsScreen(): React.JSX.Element {
  return <section />;
}
