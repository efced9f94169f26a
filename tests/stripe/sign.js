// Signs webhook payloads with Stripe's official Node library, for
// tests/stripe_node_test.cpp. Input on stdin: [{"payload", "secret",
// "timestamp"}]; output on stdout: the Stripe-Signature header of each.
const Stripe = require('stripe');
const stripe = Stripe('sk_test_not_used_for_signing');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const headers = cases.map((c) =>
  stripe.webhooks.generateTestHeaderString({ payload: c.payload, secret: c.secret, timestamp: c.timestamp }));
process.stdout.write(JSON.stringify(headers));
