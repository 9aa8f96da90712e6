// Module Lambda
