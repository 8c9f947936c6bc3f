public import ArgumentParser
import ReturnsDomain

// The domain's closed vocabularies typed on the command line by their JSON names, so that the
// CLI, the HTTP API and the files agree (`--reason changedMind`, `--condition unopened`).

extension ReasonCode: ExpressibleByArgument {}
extension ItemCondition: ExpressibleByArgument {}
extension ReturnType: ExpressibleByArgument {}
extension ReturnMethod: ExpressibleByArgument {}
extension ReturnStatus: ExpressibleByArgument {}
extension StockLocation: ExpressibleByArgument {}
extension AdjustmentReason: ExpressibleByArgument {}
