"""Cart, checkout and the pages Stripe sends the shopper back to."""
