// The MLLP client of the HL7 tests is the one `carechain hl7 send` uses (src/cli/mllp-client.ts).
export { ackCodes, mllpExchange, onTheWire } from '../../src/cli/mllp-client.ts';
