-- One database per layer (seed §4.2) + Keycloak; development passwords only.
CREATE DATABASE IF NOT EXISTS data;
CREATE DATABASE IF NOT EXISTS model;
CREATE DATABASE IF NOT EXISTS agent;
CREATE DATABASE IF NOT EXISTS keycloak;
CREATE USER IF NOT EXISTS 'data'@'%' IDENTIFIED BY 'data-dev';
CREATE USER IF NOT EXISTS 'model'@'%' IDENTIFIED BY 'model-dev';
CREATE USER IF NOT EXISTS 'agent'@'%' IDENTIFIED BY 'agent-dev';
GRANT ALL PRIVILEGES ON data.* TO 'data'@'%';
GRANT ALL PRIVILEGES ON model.* TO 'model'@'%';
GRANT ALL PRIVILEGES ON agent.* TO 'agent'@'%';
