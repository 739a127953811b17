import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../../tracer';

export const s3 = tracer.captureAWSv3Client(new S3Client({}));
