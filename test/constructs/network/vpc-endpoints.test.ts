import { describe, expect, it } from 'vitest';
import { Network } from '../../../constructs/network/network';
import { defaultSubnetLayout } from '../../../model/subnet-layout';
import { VpcEndpoints } from '../../../constructs/network/vpc-endpoints';
import { onlyResource, resourcesOf, synthWith } from '../../helpers';

const json = synthWith((scope) => {
  const network = new Network(scope, 'Network', {
    namePrefix: 'test',
    cidr: '10.0.0.0/16',
    layout: defaultSubnetLayout('10.0.0.0/16', 2),
    natStrategy: 'none',
    clusterName: 'gpb-test',
  });
  new VpcEndpoints(scope, 'Endpoints', { network, region: 'us-west-2', interfaceServices: ['ecr.api', 'sts'], namePrefix: 'test' });
});

describe('VpcEndpoints', () => {
  it('creates the S3 gateway endpoint on the private and data route tables', () => {
    const s3 = resourcesOf(json, 'aws_vpc_endpoint').find((e) => e.vpc_endpoint_type === 'Gateway')!;
    expect(s3.service_name).toBe('com.amazonaws.us-west-2.s3');
    expect(s3.route_table_ids).toHaveLength(3); // two private tables + the data table
  });

  it('creates one interface endpoint per service with private DNS in the private subnets', () => {
    const iface = resourcesOf(json, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(iface.map((e) => e.service_name).sort()).toEqual(['com.amazonaws.us-west-2.ecr.api', 'com.amazonaws.us-west-2.sts']);
    for (const e of iface) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toHaveLength(2);
    }
  });

  it('admits HTTPS from the VPC only', () => {
    const rule = onlyResource(json, 'aws_vpc_security_group_ingress_rule');
    expect(rule).toMatchObject({ cidr_ipv4: '10.0.0.0/16', from_port: 443, to_port: 443, ip_protocol: 'tcp' });
  });
});
