// The CLI floor: an empty Swift program that imports FoundationEssentials, linked statically like
// procctl (`--static-swift-stdlib`). procctl's CLI figures are compared with its start-up time.
import FoundationEssentials

if CommandLine.arguments.count > 99 { print(Date.now) }
