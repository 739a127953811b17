import { SESv2Client } from '@aws-sdk/client-sesv2';
import { tracer } from '../../tracer';

export const ses = tracer.captureAWSv3Client(new SESv2Client({}));
