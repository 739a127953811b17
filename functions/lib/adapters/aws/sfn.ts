import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from '../../tracer';

export const sfn = tracer.captureAWSv3Client(new SFNClient({}));
