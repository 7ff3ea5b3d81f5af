// The brand shown in the header and on the sign-in screen.
import { useInterface } from './interface-settings';

/**
 * The header's brand: the State block ("République française", reserved to State services) when the deployment says
 * so (INTERFACE_STATE_BRAND), otherwise a neutral name of whoever deploys the platform.
 */
export function BrandBlock() {
  const { stateBrand, deployerName } = useInterface();
  return stateBrand ? (
    <span className="brand-block" data-testid="brand" data-state-brand="true">
      {/* The space keeps the two words apart for screen readers and copied text. */}
      <span className="fr-logo fr-logo--sm state">
        {'République '}
        <br />
        française
      </span>
      <span className="service">{deployerName}</span>
    </span>
  ) : (
    <strong className="brand" data-testid="brand">
      {deployerName}
    </strong>
  );
}
