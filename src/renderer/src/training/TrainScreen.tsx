export function TrainScreen(): React.JSX.Element {
  return <section />;
}
