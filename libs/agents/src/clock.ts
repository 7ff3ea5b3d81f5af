import { Injectable } from '@nestjs/common';

/** The time source of the domain; the 24-hour simulation replaces it with a controllable clock. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
