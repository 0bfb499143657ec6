import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoreService } from './core-service.entity';
import { CoreServicesController } from './core-services.controller';
import { CoreServicesService } from './core-services.service';
import { Rating } from './rating.entity';
import { RatingsService } from './ratings.service';

@Module({
  imports: [TypeOrmModule.forFeature([CoreService, Rating])],
  controllers: [CoreServicesController],
  providers: [CoreServicesService, RatingsService],
  exports: [CoreServicesService, RatingsService],
})
export class CoreServicesModule {}
