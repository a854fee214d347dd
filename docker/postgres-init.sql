-- One database per owning service (ARCHITECTURE.md: each service owns its database).
CREATE DATABASE shop_users;
CREATE DATABASE shop_payments;
