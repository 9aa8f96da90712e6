// Module IAM
