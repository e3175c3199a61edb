import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What failed, in the fallback's words ("The request detail"). */
  what: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/**
 * Keeps one view's failure to itself: the data shown comes from arbitrary servers and imported
 * files, and a value the view did not expect must not blank the whole panel. The fallback says
 * what failed and with what message; the rest of the panel keeps working.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`Corsight: ${this.props.what} failed to render`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="view-error" role="alert">
        <p>
          {this.props.what} could not be shown: {error.message}
        </p>
        <p>The rest of the panel still works. If this came from an imported file, the file may be damaged.</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
