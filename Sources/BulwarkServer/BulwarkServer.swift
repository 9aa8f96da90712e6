// Module BulwarkServer
