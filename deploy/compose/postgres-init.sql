-- One database per service (each service owns its schema; Flyway creates the tables at start-up).
CREATE DATABASE user_service;
CREATE DATABASE auth_service;
CREATE DATABASE audit_service;
CREATE DATABASE notification_service;
