export function ReportScreen(): React.JSX.Element {
  return <section />;
}
