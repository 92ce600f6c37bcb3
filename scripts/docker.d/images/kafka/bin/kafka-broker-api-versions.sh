#!/bin/bash
# As in the Kafka distribution: kafka.admin.BrokerApiVersionsCommand (from kafka_2.13.jar).
exec java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '/opt/kafka/libs/*' \
    -Dlog4j.configuration=file:/opt/kafka/config/log4j-tools.properties \
    kafka.admin.BrokerApiVersionsCommand "$@"
