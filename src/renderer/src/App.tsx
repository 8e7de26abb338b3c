export function App(): React.JSX.Element {
  return (
    <main>
      <h1>Tegaki</h1>
      <p>Version {window.tegaki.version()}</p>
    </main>
  );
}
