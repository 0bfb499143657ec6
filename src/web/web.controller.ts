import { Controller, Get, Redirect } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { Public } from '../auth/roles';

/** Until the pages for people exist, someone opening the tracker's address lands on the API reference. */
@Controller()
export class WebController {
  @Get()
  @Public()
  @ApiExcludeEndpoint()
  @Redirect('/api/docs', 302)
  home() {}
}
